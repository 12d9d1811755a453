"""Quán triệt: courses built from directives, quizzes, certificates and reports for a department."""
from __future__ import annotations

from pathlib import Path

from flask import Flask

from lms.config import PROJECT_ROOT, Config, instance_dir


def create_app(config: object | None = None) -> Flask:
    """Build the application: configuration, extensions, blueprints, CLI and error pages.

    Creates no tables and writes nothing to the database: migrations own the schema.
    """
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(Path(__file__).parent / "static"),
        instance_path=str(instance_dir()),
    )
    app.config.from_object(config or Config())
    proxies = int(app.config.get("PROXY_COUNT") or 0)
    if proxies:
        from werkzeug.middleware.proxy_fix import ProxyFix

        # Behind nginx or another reverse proxy: trust its X-Forwarded-* headers, and only its.
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies, x_host=proxies)

    from lms import db_setup, i18n, logs, security, views_common
    from lms.extensions import csrf, db, limiter, login_manager, migrate

    logs.init_app(app)  # first, so the request id exists before any other hook logs
    db.init_app(app)
    db_setup.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    views_common.init_app(app)

    from lms.admin import bp as admin_bp
    from lms.audit.routes import bp as audit_bp
    from lms.auth import bp as auth_bp
    from lms.certificates import bp as certificates_bp
    from lms.learn import bp as learn_bp
    from lms.org import bp as org_bp
    from lms.people import bp as people_bp
    from lms.quiz import bp as quiz_bp
    from lms.rounds.routes import bp as rounds_bp
    from lms.staff_import.routes import bp as staff_import_bp

    for blueprint in (auth_bp, learn_bp, quiz_bp, certificates_bp, people_bp, admin_bp, org_bp, rounds_bp,
                      staff_import_bp, audit_bp):
        app.register_blueprint(blueprint)

    from lms import cli

    cli.init_app(app)
    return app
