from qkaward.cli import main

main()
