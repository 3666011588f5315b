"""Face engines: the FaceEngine protocol and analyze() (faces.py), one module per detector or
encoder (dlib HOG and encodings in faces.py, OpenCV YuNet in yunet.py). A new detector goes here."""
