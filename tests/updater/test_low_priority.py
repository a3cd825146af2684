"""Heavy staging work runs behind everything else: nice 19, idle I/O, and a systemd CPU quota where possible."""

from updater.priority import low_priority_prefix


def test_without_systemd_it_uses_the_idle_cpu_policy_nice_and_the_idle_io_class():
    assert low_priority_prefix(50, systemd_scope=False) == ["chrt", "--idle", "0", "ionice", "-c3", "nice", "-n", "19"]


def test_under_systemd_a_transient_scope_caps_the_cpu_share():
    # PID 1 here is not systemd, so only the command line can be checked, not the running scope.
    prefix = low_priority_prefix(25, systemd_scope=True)

    assert prefix[:7] == ["systemd-run", "--scope", "--quiet", "--collect", "-p", "CPUQuota=25%", "--"]
    assert prefix[7:] == ["chrt", "--idle", "0", "ionice", "-c3", "nice", "-n", "19"]
