"""`python -m jumelage ...` runs the command line."""
from jumelage.cli import main

if __name__ == "__main__":
    main()
