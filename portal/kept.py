"""Rendered HTML kept between requests under the exact inputs it depends on (`navigation`, `frame`, `components`).

A worker keeps at most `limit` entries: a full store starts again rather than tracking which entries are used."""


class Kept(dict):
    def __init__(self, limit: int):
        super().__init__()
        self.limit = limit

    def get_or_render(self, key, render) -> str:
        html = self.get(key)
        if html is None:
            if len(self) >= self.limit:
                self.clear()
            html = self[key] = render()
        return html
