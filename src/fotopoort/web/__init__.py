"""The local review page (`fotopoort review serve`): a client of actions, like the CLI."""
