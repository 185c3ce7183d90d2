# config.py
Config.SQLALCHEMY_ENGINE_OPTIONS = {
    'pool_size': 10,              # 10 connections per worker
    'max_overflow': 20,           # Up to 30 total per worker under load
    'pool_pre_ping': True,        # Already enabled ✅
    'pool_recycle': 3600,         # Already enabled ✅
    'pool_timeout': 30,           # Wait max 30s for connection
    'echo_pool': 'debug',         # Log pool activity (temporary, for debugging)
}
