#!/bin/sh
exec gunicorn -c gunicorn.conf.py -w 4 --threads 16 --preload app:app
