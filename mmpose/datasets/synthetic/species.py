"""The 54 AP-10K species (category id, name, family), the category table of AP-10K files.

APT-36K annotations use the same animal categories as far as PoseBH's loaders are concerned.
"""
_FAMILIES = {
    'Bovidae': ['antelope', 'argali sheep', 'bison', 'buffalo', 'cow', 'sheep'],
    'Canidae': ['arctic fox', 'dog', 'fox', 'wolf'],
    'Castoridae': ['beaver'],
    'Cercopithecidae': ['alouatta', 'monkey', 'noisy night monkey', 'spider monkey', 'uakari'],
    'Cervidae': ['deer', 'moose'],
    'Cricetidae': ['hamster'],
    'Elephantidae': ['elephant'],
    'Equidae': ['horse', 'zebra'],
    'Felidae': ['bobcat', 'cat', 'cheetah', 'jaguar', 'king cheetah', 'leopard', 'lion',
                'panther', 'snow leopard', 'tiger'],
    'Giraffidae': ['giraffe'],
    'Hippopotamidae': ['hippo'],
    'Hominidae': ['chimpanzee', 'gorilla', 'orangutan'],
    'Leporidae': ['rabbit'],
    'Mephitidae': ['skunk'],
    'Muridae': ['mouse', 'rat'],
    'Mustelidae': ['otter', 'weasel'],
    'Procyonidae': ['raccoon'],
    'Rhinocerotidae': ['rhino'],
    'Sciuridae': ['marmot', 'squirrel'],
    'Suidae': ['pig'],
    'Talpidae': ['mole'],
    'Ursidae': ['black bear', 'brown bear', 'panda', 'polar bear'],
    'Vespertilionidae': ['bat'],
}

# (id, name, supercategory), ids 1..54 in the order of the AP-10K category table
SPECIES: tuple[tuple[int, str, str], ...] = tuple(
    (i, name, family) for i, (name, family) in enumerate(
        ((n, f) for f, names in _FAMILIES.items() for n in names), start=1))
assert len(SPECIES) == 54
