"""The ``rustok`` command line (typer). Heavy imports happen inside the commands."""
