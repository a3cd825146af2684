"""Kept for appliances whose systemd units were written before the runtime package existed:
their worker unit runs `python -m appliance.worker_command`, and a self-update must start that
worker too (units are only rewritten by provisioning). New units call
`python -m appliance.runtime.worker_command`."""
from appliance.runtime.worker_command import main

if __name__ == "__main__":
    main()
