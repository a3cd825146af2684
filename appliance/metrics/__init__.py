"""What the appliance says about itself: /healthz (health.py), Prometheus /metrics
(collectors.py, totals.py) and their URLs."""
