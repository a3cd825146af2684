import sys

from appliance.engine.cli import main

sys.exit(main())
