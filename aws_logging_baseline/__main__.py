import sys

from aws_logging_baseline.cli.main import main

sys.exit(main())
