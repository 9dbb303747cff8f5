from rasad.cli import main

main()
