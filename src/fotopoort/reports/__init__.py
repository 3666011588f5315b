"""Documents made from typed data: the HTML report (html.py) and its thumbnails."""
