"""Gunicorn settings read from the project folder: access lines carry the request id the app logs with."""

# The default format, plus the duration and the X-Request-ID the app returned (lms/logs.py), so an access
# line and the app's lines of the same request share one id. Options given on the command line still win.
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms rid=%({x-request-id}o)s'
