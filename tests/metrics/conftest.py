import pytest

METRICS_TOKEN = "metrics-scrape-secret-for-tests"


@pytest.fixture
def metrics_token(settings):
    settings.METRICS_TOKEN = METRICS_TOKEN
    return METRICS_TOKEN


@pytest.fixture
def scrape(admin_client):
    """scrape() → {metric sample name with labels: value} as an admin sees /metrics."""
    from prometheus_client.parser import text_string_to_metric_families

    def read():
        response = admin_client.get("/metrics")
        assert response.status_code == 200, response.content
        samples = {}
        for family in text_string_to_metric_families(response.content.decode()):
            for sample in family.samples:
                labels = ",".join(f'{key}="{value}"' for key, value in sorted(sample.labels.items()))
                samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = sample.value
        return samples

    return read


@pytest.fixture
def no_worker():
    """No worker runs: queued jobs stay queued; their messages are purged afterwards."""
    from appliance.celery import app

    yield
    app.control.purge()
