"""The one error type the command line turns into a clean message and exit code 2."""


class UserError(Exception):
    """Bad input (a flag, a file, a config key): printed as one line, exit code 2, no traceback."""


EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2
