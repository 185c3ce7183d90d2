# config.py
Config.SQLALCHEMY_ENGINE_OPTIONS = {
    'pool_size': 16,              # one per thread: --threads 16
    'max_overflow': 0,            # pool_size already covers every thread
    'pool_pre_ping': True,        # Already enabled ✅
    'pool_recycle': 3600,         # Already enabled ✅
    'pool_timeout': 30,           # Wait max 30s for connection
    'echo_pool': 'debug',         # Log pool activity (temporary, for debugging)
}
