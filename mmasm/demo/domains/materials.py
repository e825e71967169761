"""What each scene surface is made of, independent of how a domain draws it.

The layout tags every instance with a material and with up to six
material-specific numbers (``params``); the source (game-like) and target
(photo-like) appearance models each map a material to colours.
"""
SKY = 0
ROAD = 1  # params: lane width, X of the leftmost lane line, lanes,
#                   Z of a zebra crossing (0: none)
SIDEWALK = 2
TERRAIN = 3
FACADE = 4  # params: s origin, window spacing, floor height,
#                   window width, window height, shop front (0/1)
WALL = 5
FENCE = 6
POLE = 7
SIGN = 8  # params: centre X, centre Y, radius, shape (0 circle,
#                   1 triangle, 2 rectangle)
TRAFFIC_LIGHT = 9  # params: centre X, bottom Y, top Y, lit lamp (0..2)
FOLIAGE = 10
BARK = 11
CAR_PAINT = 12
GLASS = 13
TYRE = 14
SKIN = 15
CLOTH = 16
DISTANT = 17  # far skyline or tree line (flat, hazy)

NUM_MATERIALS = 18
NUM_PARAMS = 6
