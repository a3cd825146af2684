from django.urls import reverse


def test_staff_see_upload_and_jobs_but_no_admin_entries(staff_client):
    html = staff_client.get(reverse("webui:jobs")).content.decode()
    assert 'href="/"' in html and f'href="{reverse("webui:jobs")}"' in html
    assert ">Panel<" not in html


def test_entries_whose_page_is_not_installed_are_left_out_instead_of_breaking_the_page(admin_user):
    from webui.navigation import navigation_for

    labels = [entry["label"] for entry in navigation_for(admin_user)]
    assert labels[:2] == ["Upload", "Jobs"]
    assert all(label in ("Upload", "Jobs", "Search", "Live", "API tokens", "Panel", "Updates", "Benchmarks") for label in labels)


def test_anonymous_visitors_get_no_navigation(client):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'class="nav"' not in html
