"""Speaker -> government: the places gazetteer (``gazetteer``), the roles lexicon (``roles``), the actors file
(``actors``), and the linker component that reads them (``governments``)."""

from extractors.linking.actors import Actor, ActorDirectory
from extractors.linking.gazetteer import Place, TermIndex
from extractors.linking.governments import GovernmentLinker
from extractors.linking.roles import Role

__all__ = ["Actor", "ActorDirectory", "GovernmentLinker", "Place", "Role", "TermIndex"]
