from rnnlint.cli import main

main()
