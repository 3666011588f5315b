"""Reading media safely: photos (photos.py: formats, orientation, limits, whole files only) and
videos (video.py: PyAV frames, sampling, rotation). A new format goes here."""
