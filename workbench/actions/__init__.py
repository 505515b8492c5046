"""One operation per user action, shared by the command line and the app.

Each function here validates its input once, calls the feature packages and the report
writers, and returns plain data saying what it did. ``workbench.commands`` and
``workbench.ui`` only parse what the user gave and show the result.
"""
