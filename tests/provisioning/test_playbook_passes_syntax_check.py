import pytest


@pytest.mark.parametrize("inventory", ["inventory/local.ini", "inventory/with-workers.example.ini"])
def test_site_yml_passes_the_syntax_check(run_ansible, inventory):
    result = run_ansible("ansible-playbook", "--syntax-check", "-i", inventory, "site.yml")
    assert result.returncode == 0, result.stdout + result.stderr
