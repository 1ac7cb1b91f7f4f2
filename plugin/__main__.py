"""What the Python language host runs for this plugin directory (`python plugin <engine address>`).

A directory of its own because the repository root's __main__.py is the baseline *program*: a PulumiPlugin.yaml
beside it would make the language host run the program instead of the provider.
"""

import sys

from aws_logging_baseline.provider import main

sys.exit(main())
