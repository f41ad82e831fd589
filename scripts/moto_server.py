"""Starts moto's server as its own command line does (same flags), but lets
one request at a time reach moto.

moto handles requests on threads without a lock around each item, so two
conditional writes racing on one item can both pass their conditions, and
two ADDs to one counter can lose one (TestVersionRace and
TestIncrementIsAtomicIntegration saw it). DynamoDB applies each write to an
item atomically; taking requests one at a time gives moto that guarantee
too. A request's body is read before it waits for its turn, so a client
that stalls in the middle of a body holds up no one.
"""
import io
import threading

import moto.server as server


class OneAtATime:
    """A WSGI application that calls app for one request at a time."""

    def __init__(self, app):
        self.app = app
        self.lock = threading.Lock()

    def __setattr__(self, name, value):
        # moto's main sets attributes such as debug on the application.
        if name in ("app", "lock"):
            object.__setattr__(self, name, value)
        else:
            setattr(self.app, name, value)

    def __call__(self, environ, start_response):
        length = environ.get("CONTENT_LENGTH")
        stream = environ["wsgi.input"]
        if length:
            body = stream.read(int(length))
        elif environ.get("wsgi.input_terminated"):  # chunked: werkzeug ends the stream
            body = stream.read()
        else:
            body = b""
        environ["wsgi.input"] = io.BytesIO(body)
        environ["CONTENT_LENGTH"] = str(len(body))
        with self.lock:
            return list(self.app(environ, start_response))


_dispatcher = server.DomainDispatcherApplication
server.DomainDispatcherApplication = lambda *args, **kwargs: OneAtATime(_dispatcher(*args, **kwargs))

if __name__ == "__main__":
    server.main()
