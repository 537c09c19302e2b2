from cqtui.cli import run

run()
