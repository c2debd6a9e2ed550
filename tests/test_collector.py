import gc
import threading
import weakref

from workshop.collector import YOUNG_THRESHOLD, fewer_collections


def test_collects_less_inside_and_restores_everything_after():
    before = gc.get_threshold()
    with fewer_collections():
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
        assert gc.get_freeze_count() > 0
        with fewer_collections():  # nested: the outer one restores
            pass
        assert gc.get_threshold()[0] >= YOUNG_THRESHOLD
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_restores_after_an_error():
    before = gc.get_threshold()
    try:
        with fewer_collections():
            raise ValueError
    except ValueError:
        pass
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_overlapping_threads_leave_the_original_setting():
    before = gc.get_threshold()
    inside, release = threading.Barrier(2), threading.Event()
    seen = []

    def first():
        with fewer_collections():
            inside.wait()
            release.wait()

    thread = threading.Thread(target=first)
    thread.start()
    with fewer_collections():
        inside.wait()
    seen.append(gc.get_threshold())  # the other thread is still inside
    release.set()
    thread.join()
    assert seen[0][0] >= YOUNG_THRESHOLD
    assert gc.get_threshold() == before and gc.get_freeze_count() == 0


def test_cyclic_garbage_is_still_collected_inside():
    class Node:
        pass

    with fewer_collections():
        node = Node()
        node.self = node
        freed = weakref.ref(node)
        del node
        assert freed() is not None  # a cycle: reference counting alone never frees it
        gc.collect()
        assert freed() is None  # the collector found and freed it
