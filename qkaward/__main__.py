from qkaward.cli import entry

entry()
