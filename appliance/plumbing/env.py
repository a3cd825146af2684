"""Strict typed readers for APPLIANCE_* environment variables.

A typo in an appliance.env file must stop the process at start with a message naming the
variable, never silently fall back to a default (a "flase" DEBUG would otherwise leak tracebacks).
"""
import os
from pathlib import Path

# The one spelling of yes/no. The environment is strict; forms and API parameters also take the
# "on"/"off" an HTML checkbox sends.
TRUE_WORDS = frozenset({"true", "1", "yes"})
FALSE_WORDS = frozenset({"false", "0", "no"})
FORM_TRUE_WORDS = TRUE_WORDS | {"on"}
FORM_FALSE_WORDS = FALSE_WORDS | {"off"}


class EnvError(ValueError):
    """A variable holds a value that cannot be used; the message says which and why."""


def _raw(name, environ):
    environ = os.environ if environ is None else environ
    value = environ.get(name)
    if value is None or value.strip() == "":
        return None
    return value.strip()


def env_str(name, default="", environ=None):
    value = _raw(name, environ)
    return default if value is None else value


def env_bool(name, default, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    word = value.lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise EnvError(f"{name}={value!r} is not a boolean: use true/false, yes/no or 1/0")


def env_int(name, default, minimum=None, maximum=None, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        raise EnvError(f"{name}={value!r} is not a whole number") from None
    if minimum is not None and number < minimum:
        raise EnvError(f"{name}={number} is below the minimum {minimum}")
    if maximum is not None and number > maximum:
        raise EnvError(f"{name}={number} is above the maximum {maximum}")
    return number


def env_choice(name, default, choices, environ=None):
    value = _raw(name, environ)
    if value is None:
        return default
    if value not in choices:
        raise EnvError(f"{name}={value!r} is not one of {', '.join(choices)}")
    return value


def env_list(name, default=(), environ=None):
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_path(name, default, environ=None):
    value = _raw(name, environ)
    return Path(default if value is None else value).expanduser().resolve()


def env_secret(name, default=None, environ=None):
    """NAME wins; NAME_FILE names a file holding the secret (Docker/systemd credentials style)."""
    value = _raw(name, environ)
    file_name = _raw(f"{name}_FILE", environ)
    if value is not None and file_name is not None:
        raise EnvError(f"set either {name} or {name}_FILE, not both")
    if value is not None:
        return value
    if file_name is None:
        return default
    try:
        secret = Path(file_name).read_text(encoding="utf-8").strip()
    except OSError as error:
        raise EnvError(f"{name}_FILE={file_name!r} cannot be read: {error.strerror}") from None
    if not secret:
        raise EnvError(f"{name}_FILE={file_name!r} is empty")
    return secret


def env_networks(name, default=(), environ=None):
    """A comma list of IP addresses or networks ("127.0.0.1, 10.0.0.0/8, ::1"); anything else stops
    the process: a mistyped proxy address must not silently trust nobody, or everybody."""
    import ipaddress

    networks = []
    for item in env_list(name, default, environ):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise EnvError(f"{name}: {item!r} is not an IP address or network (e.g. 127.0.0.1 or 10.0.0.0/8)") from None
    return networks
