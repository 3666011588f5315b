"""fotopoort: checks school photos against parents' consent before anything is published."""

__version__ = "0.1.0"
