"""Create the demo organisations, users and programme year, then print the logins."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from voucher.demo.seed import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "创建演示数据（可重复执行）并打印各角色的登录账号"

    def handle(self, *args: Any, **options: Any) -> None:
        logins = seed_demo()
        self.stdout.write(f"演示账号（密码均为 {DEMO_PASSWORD}）：")
        for login in logins:
            self.stdout.write(f"  {login.role:<6} {login.username:<16} {login.organisation}")
