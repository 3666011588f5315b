"""Documents made from typed data: the JSON document (json.py), the HTML report (html.py, fed by
model.py and build.py) and its thumbnails. A new report format goes here."""
