"""The Devices page names the CPU and its RAM, and says in plain words when there is no GPU."""
import pytest
from django.urls import reverse

from appliance.panel.devices import read_cpu, read_nvidia_gpus


@pytest.mark.django_db
def test_the_page_shows_the_cpu_and_the_gpu_situation(admin_client):
    page = admin_client.get(reverse("panel:devices")).content.decode()

    assert read_cpu().model in page
    gpus = read_nvidia_gpus()
    if gpus.gpus:  # a GPU host: its cards are listed by name
        assert all(gpu.name in page for gpu in gpus.gpus)
    else:
        assert "No NVIDIA GPU is available on this machine: models run on the CPU." in page


@pytest.mark.django_db
def test_the_models_page_offers_only_the_devices_this_machine_has(admin_client):
    page = admin_client.get(reverse("panel:models")).content.decode()

    assert 'value="cpu"' in page and 'name="compute_type_cpu"' in page
    for gpu in read_nvidia_gpus().gpus:
        assert f'value="{gpu.device}"' in page
