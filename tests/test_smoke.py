from tests.factories import World


def test_the_world_builds_with_paths_and_derived_status(world: World) -> None:
    from dangvu.orgs.services import path_depth_consistent

    assert path_depth_consistent(world.office_cell)
    assert world.an.current_org == world.office_cell
    assert world.an.status == "active" and not world.an.is_probationary
    assert world.duc.is_probationary
