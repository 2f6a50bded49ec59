"""Issue, rotate or revoke a user's API tokens. The key is printed once and never stored."""
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import api_token_issue, api_token_revoke_all, api_token_rotate


class Command(BaseCommand):
    help = "签发、更换或吊销用户的接口令牌（令牌只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username")
        action = parser.add_mutually_exclusive_group()
        action.add_argument("--rotate", action="store_true", help="吊销该用户的全部令牌并签发新令牌")
        action.add_argument("--revoke", action="store_true", help="吊销该用户的全部令牌")
        parser.add_argument("--days", type=int, help="有效天数（默认 API_TOKEN_LIFETIME_DAYS）")

    def handle(self, *args, username, rotate, revoke, days, **opts):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"用户不存在：{username}")
        if revoke:
            n = api_token_revoke_all(user=user)
            self.stdout.write(f"已吊销 {n} 个令牌。")
            return
        issued = (api_token_rotate(user=user) if rotate else api_token_issue(user=user, days=days))
        self.stdout.write(issued.key)
        self.stderr.write(f"有效期至 {issued.token.expires_at:%Y-%m-%d %H:%M}（UTC）。请妥善保存，令牌不会再次显示。")
