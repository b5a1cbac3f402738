"""The one exception type for errors a user can cause.

Its message is one clear sentence that says what to do. The CLI prints it
without a traceback and exits 2; the web app answers 4xx with it.
"""


class TalkcureError(Exception):
    """An error the user can fix; ``str(err)`` says how."""

    exit_code = 2
