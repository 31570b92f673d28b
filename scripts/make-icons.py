#!/usr/bin/env python3
"""Generate extension/icons/icon-{16,48,128}.png: an orange (#ff7a59) speech bubble with a slate
magnifier over its lower-right corner, on a transparent background.

Pure stdlib (zlib + struct). Shapes are signed-distance functions in a unit square; every pixel is
supersampled (SS x SS samples) for anti-aliasing. Run once and commit the PNGs:

    python3 scripts/make-icons.py [out_dir]
"""
import math
import os
import struct
import sys
import zlib

ORANGE = (0xFF, 0x7A, 0x59)
SLATE = (0x33, 0x47, 0x5B)
GLASS = (0xFF, 0xFF, 0xFF)

# Geometry in unit coordinates (x right, y down).
BUBBLE = (0.04, 0.06, 0.86, 0.68, 0.17)  # x0, y0, x1, y1, corner radius
TAIL = ((0.16, 0.60), (0.40, 0.60), (0.10, 0.88))
LENS_C = (0.665, 0.625)
LENS_R = 0.205  # ring centre-line radius
RING_W = 0.085  # ring thickness
HANDLE = ((0.815, 0.775), (0.93, 0.89), 0.055)  # from, to, half width (round caps)
HALO = 0.05  # transparent gap between the magnifier and the bubble


def sd_round_rect(px, py, x0, y0, x1, y1, r):
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    hx, hy = (x1 - x0) / 2 - r, (y1 - y0) / 2 - r
    qx, qy = abs(px - cx) - hx, abs(py - cy) - hy
    outside = math.hypot(max(qx, 0.0), max(qy, 0.0))
    inside = min(max(qx, qy), 0.0)
    return outside + inside - r


def sd_triangle(px, py, a, b, c):
    # exact signed distance to a triangle (Inigo Quilez)
    def sub(u, v):
        return (u[0] - v[0], u[1] - v[1])

    def dot(u, v):
        return u[0] * v[0] + u[1] * v[1]

    p = (px, py)
    e0, e1, e2 = sub(b, a), sub(c, b), sub(a, c)
    v0, v1, v2 = sub(p, a), sub(p, b), sub(p, c)

    def seg(v, e):
        t = max(0.0, min(1.0, dot(v, e) / dot(e, e)))
        return (v[0] - e[0] * t, v[1] - e[1] * t)

    pq0, pq1, pq2 = seg(v0, e0), seg(v1, e1), seg(v2, e2)
    s = 1.0 if e0[0] * e2[1] - e0[1] * e2[0] > 0 else -1.0
    dist2 = min(dot(pq0, pq0), dot(pq1, pq1), dot(pq2, pq2))
    inside = min(
        s * (v0[0] * e0[1] - v0[1] * e0[0]),
        s * (v1[0] * e1[1] - v1[1] * e1[0]),
        s * (v2[0] * e2[1] - v2[1] * e2[0]),
    )
    return -math.sqrt(dist2) if inside > 0 else math.sqrt(dist2)


def sd_capsule(px, py, a, b, r):
    bax, bay = b[0] - a[0], b[1] - a[1]
    pax, pay = px - a[0], py - a[1]
    h = max(0.0, min(1.0, (pax * bax + pay * bay) / (bax * bax + bay * bay)))
    return math.hypot(pax - bax * h, pay - bay * h) - r


def sample(px, py):
    """RGBA (straight alpha, 0..1 floats) of the icon at one point."""
    lens_d = math.hypot(px - LENS_C[0], py - LENS_C[1])
    d_ring = abs(lens_d - LENS_R) - RING_W / 2
    d_handle = sd_capsule(px, py, HANDLE[0], HANDLE[1], HANDLE[2])
    d_mag_outer = min(lens_d - (LENS_R + RING_W / 2), d_handle)  # whole magnifier silhouette

    if d_ring <= 0 or d_handle <= 0:
        return SLATE + (1.0,)
    if lens_d <= LENS_R:
        return GLASS + (1.0,)
    d_bubble = min(sd_round_rect(px, py, *BUBBLE), sd_triangle(px, py, *TAIL))
    if d_bubble <= 0 and d_mag_outer > HALO:
        return ORANGE + (1.0,)
    return (0, 0, 0, 0.0)


def render(size, ss):
    rows = []
    n = ss * ss
    for y in range(size):
        row = bytearray([0])  # filter type 0
        for x in range(size):
            r = g = b = a = 0.0
            for sy in range(ss):
                for sx in range(ss):
                    px = (x + (sx + 0.5) / ss) / size
                    py = (y + (sy + 0.5) / ss) / size
                    cr, cg, cb, ca = sample(px, py)
                    r += cr * ca
                    g += cg * ca
                    b += cb * ca
                    a += ca
            if a > 0:
                row += bytes((round(r / a), round(g / a), round(b / a), round(255 * a / n)))
            else:
                row += b"\0\0\0\0"
        rows.append(bytes(row))
    return b"".join(rows)


def png(size, raw):
    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)  # 8-bit RGBA
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "extension", "icons"
    )
    os.makedirs(out_dir, exist_ok=True)
    for size, ss in ((16, 16), (48, 8), (128, 4)):
        path = os.path.join(out_dir, f"icon-{size}.png")
        with open(path, "wb") as f:
            f.write(png(size, render(size, ss)))
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
