def test_the_playbook_passes_ansible_lint_with_the_production_profile(run_ansible):
    # --offline: nothing is fetched from Galaxy; the roles use ansible.builtin only.
    result = run_ansible("ansible-lint", "--offline", "--nocolor", "--profile", "production", "site.yml")
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-4000:]
