"""The demo project, "The Lighthouse": its people, cast, script, scenes and shots."""

PASSWORD = "lighthouse"

PEOPLE = [
    # username, display name, role
    ("maya", "Maya Okafor", "owner"),
    ("theo", "Theo Lindqvist", "director"),
    ("june", "June Park", "writer"),
    ("ravi", "Ravi Menon", "artist"),
    ("lena", "Lena Fischer", "reviewer"),
    ("sam", "Sam Ortiz", "viewer"),
]

PROJECT = {
    "title": "The Lighthouse",
    "logline": "On a storm-cut rock in the North Sea, an ageing keeper takes in a stranger the sea should have "
               "kept, and the light starts to answer him.",
    "format": "short",
    "aspect_ratio": "2.39",
    "style_prompt": "35mm film still, muted teal and amber palette, hard rim light, sea fog, "
                    "Nordic noir, anamorphic lens flare",
}

CHARACTERS = [
    {
        "name": "Elin", "aliases": ["THE KEEPER"], "seed": 1207, "voice": "en-gb+f3", "voice_speed": 150,
        "description": "Keeper of the Skarv Rock light for thirty years. Practical, proud, lonely.",
        "appearance_prompt": "woman in her sixties, weathered face, long grey braid, heavy oilskin coat, "
                             "knitted fisherman's sweater",
    },
    {
        "name": "Tomas", "aliases": [], "seed": 48213, "voice": "en-gb+m3", "voice_speed": 170,
        "description": "Runs the supply boat. Elin's nephew, the only one who still visits.",
        "appearance_prompt": "man in his thirties, red beard, yellow sou'wester, orange life vest",
    },
    {
        "name": "The Stranger", "aliases": ["STRANGER"], "seed": 777, "voice": "en-us+m7", "voice_speed": 140,
        "description": "Found on the rocks after the storm. Says nothing of where he came from.",
        "appearance_prompt": "gaunt young man, pale skin, soaked dark hair, torn white shirt, barefoot",
    },
]

FOUNTAIN = """Title: The Lighthouse
Credit: Written by
Author: June Park
Draft date: First draft

EXT. SKARV ROCK - NIGHT

A storm hammers a lone lighthouse. The beam sweeps the black water.

INT. LAMP ROOM - NIGHT

ELIN trims the wick, then freezes: a shape on the rocks below.

ELIN
(to herself)
Nobody swims here.

EXT. SKARV ROCK, SHORE - DAWN

Elin drags THE STRANGER out of the surf. He opens his eyes.

THE STRANGER
Is the light still burning?

INT. KITCHEN - DAY

TOMAS unloads supplies. He stops when he sees the stranger by the stove.

TOMAS
Who is he, Elin?
"""

# (int_ext, location, time of day, synopsis, shots)
# shot: (size, angle, movement, lens, duration, description, dialogue, characters, status)
SCENES = [
    ("EXT", "Skarv Rock", "NIGHT", "The storm. The light keeps turning.", [
        ("ELS", "high", "aerial", 24, 6.0, "The lighthouse alone on its rock, waves exploding white.", "", [],
         "approved"),
        ("LS", "low", "static", 35, 4.0, "The beam cuts through rain toward camera.", "", [], "in_review"),
    ]),
    ("INT", "Lamp Room", "NIGHT", "Elin tends the lamp and sees something below.", [
        ("MS", "eye_level", "static", 50, 5.0, "Elin trims the wick, lit by the great lens.", "", ["Elin"],
         "ready"),
        ("CU", "eye_level", "dolly_in", 85, 3.5, "Her eyes narrow at the window.", "", ["Elin"], "ready"),
        ("ECU", "pov", "zoom_in", 135, 2.5, "Through rain: a pale shape on the black rocks.", "", [], "draft"),
        ("MCU", "low", "static", 50, 3.0, "Elin, to herself.", "Nobody swims here.", ["Elin"], "draft"),
    ]),
    ("EXT", "Skarv Rock, Shore", "DAWN", "Elin pulls the stranger from the surf.", [
        ("LS", "high", "handheld", 28, 6.0, "Elin wades into the surf and hauls a body out.", "",
         ["Elin", "The Stranger"], "draft"),
        ("CU", "overhead", "static", 50, 4.0, "The stranger's eyes open.", "Is the light still burning?",
         ["The Stranger"], "draft"),
    ]),
    ("INT", "Kitchen", "DAY", "Tomas arrives with supplies and finds a guest.", [
        ("MLS", "eye_level", "tracking", 35, 5.0, "Tomas carries crates in, stamping off the rain.", "", ["Tomas"],
         "draft"),
        ("MS", "over_shoulder", "static", 50, 4.0, "Over Tomas: the stranger by the stove.",
         "Who is he, Elin?", ["Tomas", "The Stranger"], "draft"),
    ]),
]
