"""Every suite runs through dlmath's pytest plugin (options, marker, fixture)."""

pytest_plugins = ["grader.run.plugin"]
