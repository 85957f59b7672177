from rustok.cli.main import main

main()
