def post_fork(server, worker):
    from app import db
    db.engine.dispose(close=False)
    server.log.info(f"Worker {worker.pid}: Disposed inherited pool")
