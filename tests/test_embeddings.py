"""The course's embedding algebra, on hand-checked vectors: cosine, bias direction, neutralize, equalize."""
import numpy as np
import pytest

from seqviz.embeddings import bias_direction, cosine, equalize, neutralize, project


def test_cosine_on_hand_checked_vectors():
    assert cosine(np.array([1.0, 0]), np.array([0, 2.0])) == 0
    assert cosine(np.array([1.0, 1]), np.array([2.0, 2])) == pytest.approx(1)
    assert cosine(np.array([1.0, 0]), np.array([-3.0, 0])) == pytest.approx(-1)
    assert cosine(np.array([3.0, 4]), np.array([4.0, 3])) == pytest.approx(24 / 25)
    assert cosine(np.zeros(2), np.array([1.0, 0])) == 0


def test_bias_direction_is_the_mean_difference():
    g = bias_direction([(np.array([1.0, 2]), np.array([0.0, 2])), (np.array([3.0, 0]), np.array([0.0, 1]))])
    np.testing.assert_allclose(g, [2, -0.5])
    with pytest.raises(ValueError):
        bias_direction([])


def test_neutralize_removes_exactly_the_bias_component():
    g = np.array([2.0, 0, 0])
    e = np.array([3.0, 1, -2])
    np.testing.assert_allclose(project(e, g), [3, 0, 0])
    np.testing.assert_allclose(neutralize(e, g), [0, 1, -2])
    rng = np.random.default_rng(0)
    g, e = rng.normal(size=50), rng.normal(size=50)
    assert neutralize(e, g) @ g == pytest.approx(0, abs=1e-10)
    np.testing.assert_allclose(neutralize(e, g) + project(e, g), e)
    with pytest.raises(ValueError):
        neutralize(e, np.zeros(50))


def test_equalize_makes_the_pair_symmetric_about_the_neutral_space():
    rng = np.random.default_rng(1)
    g = rng.normal(size=40)
    actor, actress, doctor = rng.normal(size=(3, 40))
    a, b = equalize(actor, actress, g)
    assert np.linalg.norm(a) == pytest.approx(1) and np.linalg.norm(b) == pytest.approx(1)
    assert a @ g == pytest.approx(-(b @ g))                          # opposite bias, same size
    np.testing.assert_allclose(neutralize(a, g), neutralize(b, g), atol=1e-12)   # same neutral part
    d = neutralize(doctor, g)
    assert cosine(a, d) == pytest.approx(cosine(b, d))               # equidistant from a neutral word
    with pytest.raises(ValueError):
        equalize(actor, actor, g)


def test_equalize_on_a_hand_worked_example():
    g = np.array([1.0, 0])
    a, b = equalize(np.array([0.6, 0.8]), np.array([0.0, 1.0]), g)
    # μ = (0.3, 0.9), μ_⊥ = (0, 0.9), scale = sqrt(1 - 0.81) = sqrt(0.19); bias parts ±0.3 -> ±1 after scaling
    np.testing.assert_allclose(a, [np.sqrt(0.19), 0.9])
    np.testing.assert_allclose(b, [-np.sqrt(0.19), 0.9])
