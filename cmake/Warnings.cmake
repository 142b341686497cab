# nzc_set_warnings(target): the project's warning set, applied per target (no global flags).
function(nzc_set_warnings target)
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wconversion
                                             -Wno-sign-conversion)
endfunction()
