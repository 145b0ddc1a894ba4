package org.jdna.cuda;

/**
 * Grid and block of one kernel launch, plus its dynamic shared memory in bytes. Pure host-side
 * value: {@link Launch} computes it, {@link KernelRunner} uses it.
 */
public record LaunchConfig(int gridX, int gridY, int gridZ, int blockX, int sharedBytes) {

    /** Largest gridDim.y / gridDim.z the driver accepts. */
    public static final int MAX_GRID_YZ = 65_535;

    public LaunchConfig {
        if (gridX < 1 || gridY < 1 || gridZ < 1 || blockX < 1 || blockX > Launch.MAX_BLOCK || sharedBytes < 0) {
            throw new IllegalArgumentException("bad launch configuration: grid (" + gridX + ", " + gridY + ", "
                    + gridZ + "), block " + blockX + ", shared " + sharedBytes + " bytes");
        }
        if (gridY > MAX_GRID_YZ || gridZ > MAX_GRID_YZ) {
            throw new IllegalArgumentException("grid y/z over " + MAX_GRID_YZ + ": (" + gridX + ", " + gridY + ", " + gridZ + ")");
        }
    }

    /** Total threads launched (for tests and logs). */
    public long threads() {
        return (long) gridX * gridY * gridZ * blockX;
    }
}
