"""What our two Zalo Apprise plugins share: the token and targets in the URL, masking, parsing."""

from __future__ import annotations

from typing import Any, ClassVar

from apprise.plugins.base import NotifyBase
from apprise.url import PrivacyMode


class ZaloPlugin(NotifyBase):  # type: ignore[misc]
    """``schema://TOKEN/TARGET…?key=value``; subclasses name their query keys and default base."""

    default_base: ClassVar[str]
    query_keys: ClassVar[dict[str, str]]  # URL query key → constructor argument
    token: str
    targets: list[str]
    base_url: str

    def query(self) -> dict[str, str]:
        """The subclass's own query parameters, for :meth:`url`."""
        return {}

    @property
    def url_identifier(self) -> tuple[str, str, str]:
        return (str(self.secure_protocol), self.token, self.base_url)

    def url(self, privacy: bool = False, *args: Any, **kwargs: Any) -> str:
        params = self.query()
        if self.base_url != self.default_base:
            params["base"] = self.base_url
        params.update(self.url_parameters(*args, privacy=privacy, **kwargs))
        token = self.pprint(self.token, privacy, mode=PrivacyMode.Secret, safe="")
        targets = "/".join(self.pprint(t, privacy, safe="") for t in self.targets)
        return f"{self.secure_protocol}://{token}/{targets}?{self.urlencode(params)}"

    def __len__(self) -> int:
        return max(1, len(self.targets))

    @classmethod
    def parse_url(cls, url: str) -> dict[str, Any] | None:
        results: dict[str, Any] | None = NotifyBase.parse_url(url, verify_host=False)
        if not results:
            return results
        qsd = results["qsd"]
        results["token"] = cls.unquote(qsd.get("token") or results["host"])
        results["targets"] = cls.split_path(results["fullpath"])
        for key, argument in {"base": "base_url", **cls.query_keys}.items():
            if qsd.get(key):
                results[argument] = cls.unquote(qsd[key])
        return results
