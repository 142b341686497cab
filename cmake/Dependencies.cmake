# Every third-party dependency comes from a Debian package through find_package or
# pkg-config, as an imported target. Nothing is vendored.

find_package(MPI REQUIRED COMPONENTS C CXX)

# Debian ships no CMake config for parallel HDF5; FindHDF5 goes through h5pcc. If the
# serial libhdf5-dev is also installed, FindHDF5 silently prefers it, so insist on parallel.
set(HDF5_PREFER_PARALLEL ON)
find_package(HDF5 REQUIRED COMPONENTS C)
if(NOT HDF5_IS_PARALLEL)
    message(FATAL_ERROR
        "nzcompress needs parallel HDF5 (Debian: libhdf5-openmpi-dev), but CMake found a serial "
        "HDF5 at '${HDF5_INCLUDE_DIRS}'. Install libhdf5-openmpi-dev, remove the build folder "
        "(the choice is cached) and configure again.")
endif()

find_package(Boost 1.74 REQUIRED COMPONENTS program_options)
find_package(spdlog REQUIRED)
find_package(nlohmann_json 3.10 REQUIRED)
find_package(PkgConfig REQUIRED)
pkg_check_modules(XXHASH REQUIRED IMPORTED_TARGET libxxhash)
# libzip through pkg-config: Debian's libzip CMake config also imports the zipcmp, zipmerge and
# ziptool programs and fails when those (separate packages) are not installed.
pkg_check_modules(LIBZIP REQUIRED IMPORTED_TARGET libzip)

if(NZC_BUILD_TESTS)
    find_package(GTest REQUIRED)
endif()
if(NZC_BUILD_BENCHMARKS)
    find_package(benchmark REQUIRED)
endif()

# One imported target for parallel HDF5 so that only h5/ links it.
if(NOT TARGET nzc::hdf5)
    add_library(nzc_hdf5_parallel INTERFACE)
    target_include_directories(nzc_hdf5_parallel SYSTEM INTERFACE ${HDF5_C_INCLUDE_DIRS})
    target_link_libraries(nzc_hdf5_parallel INTERFACE ${HDF5_C_LIBRARIES} MPI::MPI_C)
    target_compile_definitions(nzc_hdf5_parallel INTERFACE ${HDF5_C_DEFINITIONS})
    add_library(nzc::hdf5 ALIAS nzc_hdf5_parallel)
endif()
