// Debian 12's Boost 1.74 and the Swift toolchain's clang (≥ 16) disagree: Boost.MPL's integral_c<E, v> names
// v + 1 and v − 1 as E, and for boost::numeric's three "mixture" enumerations (no fixed underlying type) those fall
// outside the enumeration's range, which clang now rejects as a constant expression (a hard error since clang 20;
// -Wno-enum-constexpr-conversion no longer helps). RDKit's headers reach them through boost/graph. This header
// declares the same three enumerations, with the same enumerators and values, with a fixed underlying type (so
// every int is in range), under Boost's own include guards so that Boost's versions are skipped. They are
// compile-time tags only (template arguments in Boost.NumericConversion), not part of RDKit's binary interface.
// Included first by every file of the target (MoleculeHandle.hpp).
#ifndef CRDKIT_BOOST_ENUMS_FOR_CLANG_HPP
#define CRDKIT_BOOST_ENUMS_FOR_CLANG_HPP

#if defined(__clang__)

#define BOOST_NUMERIC_CONVERSION_INT_FLOAT_MIXTURE_ENUM_FLC_12NOV2002_HPP
#define BOOST_NUMERIC_CONVERSION_SIGN_MIXTURE_ENUM_FLC_12NOV2002_HPP
#define BOOST_NUMERIC_CONVERSION_UDT_BUILTIN_MIXTURE_ENUM_FLC_12NOV2002_HPP

namespace boost {
namespace numeric {
enum int_float_mixture_enum : int { integral_to_integral, integral_to_float, float_to_integral, float_to_float };
enum sign_mixture_enum : int { unsigned_to_unsigned, signed_to_signed, signed_to_unsigned, unsigned_to_signed };
enum udt_builtin_mixture_enum : int { builtin_to_builtin, builtin_to_udt, udt_to_builtin, udt_to_udt };
}  // namespace numeric
}  // namespace boost

#endif
#endif
