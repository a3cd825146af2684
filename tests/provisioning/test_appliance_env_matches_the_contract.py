"""appliance.env is read by the real settings helpers (appliance/plumbing/env.py) without complaint, and its
TLS settings meet the reload path unit that nginx's side of the contract watches."""
from appliance.plumbing.env import env_bool, env_list, env_path, env_str


def read_env_file(path):
    values = {}
    for line in path.read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.partition("=")
            values[name] = value
    return values


def test_the_settings_helpers_accept_every_value(rendered):
    environ = read_env_file(rendered / "appliance.env")
    assert env_bool("APPLIANCE_BEHIND_TLS_PROXY", False, environ=environ) is True
    assert str(env_path("APPLIANCE_DATA_DIR", "./data", environ=environ)) == "/var/lib/whisper-appliance"
    assert str(env_path("APPLIANCE_TLS_DIR", "x", environ=environ)) == "/etc/whisper-appliance/tls"
    assert env_str("APPLIANCE_RELEASE_ROOT", "", environ=environ) == "/opt/whisper-appliance"
    assert env_list("APPLIANCE_PRELOAD_MODELS", [], environ=environ) == ["tiny.en"]
    assert env_str("REDIS_URL", "", environ=environ) == "unix:///run/redis/redis-server.sock"


def test_the_panels_reload_request_goes_to_the_file_the_path_unit_watches(rendered, read_unit):
    environ = read_env_file(rendered / "appliance.env")
    watched = read_unit(rendered / "whisper-appliance-nginx-reload.path")["PathChanged"][0]
    assert environ["APPLIANCE_TLS_RELOAD_REQUEST_FILE"] == watched
    assert "APPLIANCE_TLS_RELOAD_COMMAND" not in environ
    assert watched.startswith(environ["APPLIANCE_TLS_DIR"] + "/")


def test_the_reload_service_runs_the_script_that_checks_nginx_and_answers(rendered, read_unit):
    script = read_unit(rendered / "whisper-appliance-nginx-reload.service")["ExecStart"]
    assert script == ["/usr/local/sbin/whisper-appliance-nginx-reload"]
    text = (rendered / "whisper-appliance-nginx-reload").read_text()
    assert text.index("/usr/sbin/nginx -t -q") < text.index("/bin/systemctl reload nginx.service")
    assert '"$request.status"' in text
