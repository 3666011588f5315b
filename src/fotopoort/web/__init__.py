"""The local review page (`fotopoort review serve`): a client of commands/, like the CLI."""
